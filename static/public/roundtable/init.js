// Starts GOV.UK Frontend and MOJ Frontend components on every page. No inline scripts: the
// Content-Security-Policy forbids them.
import { initAll as initGovuk } from "/static/govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "/static/moj/moj-frontend.min.js";

initGovuk();
initMoj();
