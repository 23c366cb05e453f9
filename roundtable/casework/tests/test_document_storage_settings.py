"""Where documents are kept is configured from the environment: a folder by default, an
S3-compatible bucket when asked, a size limit in megabytes; bad values stop start-up.

The S3 store itself is not exercised (there is no S3 server here): these tests check that the
settings build django-storages' S3 backend with the operator's bucket and endpoint, without
contacting it. The filesystem store is exercised by every other document test.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from roundtable.testing.processes import run_python

SCRIPT = (
    "import json, django; django.setup(); from django.conf import settings; "
    "from django.core.files.storage import storages; s = storages['documents']; "
    "print(json.dumps({'class': type(s).__name__, 'max': settings.DOCUMENT_MAX_BYTES, "
    "'bucket': getattr(s, 'bucket_name', None), 'endpoint': getattr(s, 'endpoint_url', None), "
    "'location': str(getattr(s, 'location', '')), "
    "'addressing': getattr(s, 'addressing_style', None)}))"
)


def _run(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    return run_python(
        ["-c", SCRIPT],
        {
            "ROUNDTABLE_ENV": "test",
            "ROUNDTABLE_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "roundtable.settings",
            **environment,
        },
    )


def test_documents_default_to_a_folder_under_var_and_20_mb(tmp_path):
    result = _run(tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["class"] == "FileSystemStorage"
    assert found["location"] == str(tmp_path / "documents")
    assert found["max"] == 20 * 1024 * 1024


def test_s3_storage_is_built_from_the_environment(tmp_path):
    result = _run(
        tmp_path,
        ROUNDTABLE_DOCUMENT_STORAGE="s3",
        ROUNDTABLE_DOCUMENT_S3_BUCKET="roundtable-documents",
        ROUNDTABLE_DOCUMENT_S3_ENDPOINT_URL="https://s3.example.invalid",
        ROUNDTABLE_DOCUMENT_S3_ADDRESSING_STYLE="path",
        ROUNDTABLE_DOCUMENT_S3_ACCESS_KEY_ID="AKEXAMPLEEXAMPLE",
        ROUNDTABLE_DOCUMENT_S3_SECRET_ACCESS_KEY="not-a-real-secret-not-a-real-secret",
        ROUNDTABLE_DOCUMENT_MAX_MB="50",
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["class"] == "S3Storage"
    assert found["bucket"] == "roundtable-documents"
    assert found["endpoint"] == "https://s3.example.invalid"
    assert found["addressing"] == "path"
    assert found["max"] == 50 * 1024 * 1024
    assert "not-a-real-secret" not in result.stdout + result.stderr


def test_s3_without_a_bucket_stops_start_up_naming_the_variable(tmp_path):
    result = _run(tmp_path, ROUNDTABLE_DOCUMENT_STORAGE="s3")
    assert result.returncode == 2
    assert "ROUNDTABLE_DOCUMENT_S3_BUCKET is required" in result.stderr


def test_a_malformed_size_limit_stops_start_up(tmp_path):
    result = _run(tmp_path, ROUNDTABLE_DOCUMENT_MAX_MB="twenty")
    assert result.returncode == 2
    assert "ROUNDTABLE_DOCUMENT_MAX_MB must be a whole number" in result.stderr
