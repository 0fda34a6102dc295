"""Two bailiff offices present the same writ at the same moment over HTTP: exactly one wins."""

from __future__ import annotations

import json
import threading

import httpx

from tests.e2e.conftest import Deployment


def test_concurrent_presentation_over_http(deployment: Deployment, tmp_path) -> None:  # noqa: ANN001
    court = deployment.add_court("MS-77-0123")
    service = json.loads(deployment.cli("org", "add", "--kind", "bailiff_service", "--code", "FSSP",
                                        "--name", "ФССП").stdout)
    server = deployment.start_server()
    from tests.conftest import EXAMPLE

    numbers = []
    for i in range(10):
        document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
        document["number"] = f"2-{i}/2026"
        path = tmp_path / f"writ{i}.json"
        path.write_text(json.dumps(document, ensure_ascii=False))
        envelope = deployment.cli("writ", "sign", "--key", str(court["keys"] / "private.pem"), str(path)).stdout
        numbers.append(httpx.post(server + "/api/v1/writs", content=envelope,
                                  headers={"Authorization": f"Bearer {court['token']}"}).json()["register_number"])
    headers = {"Authorization": f"Bearer {service['token']}"}
    for number in numbers:
        codes: list[int] = []
        barrier = threading.Barrier(2)

        def present() -> None:
            barrier.wait()
            response = httpx.post(f"{server}/api/v1/writs/{number}/transitions", headers=headers, timeout=30,
                                  json={"action": "present", "reason": "заявление взыскателя"})
            codes.append(response.status_code)

        threads = [threading.Thread(target=present) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(codes) == [200, 409]
        history = httpx.get(f"{server}/api/v1/writs/{number}/verification").json()["history"]
        assert [h["action"] for h in history] == ["writ.registered", "writ.present"]
