import pytest


@pytest.mark.parametrize("address", ["/api/v1/districts/?code=a%00b", "/az/plans/?q=%00", "/api/v1/events/?%00=1"])
def test_a_nul_in_the_query_is_refused_with_400_on_any_database(client, db, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    if address.startswith("/api/"):
        assert response["Content-Type"] == "application/json" and "NUL" in response.json()["detail"]


def test_an_ordinary_query_passes(client, db):
    assert client.get("/api/v1/districts/?code=AZ-QBA").status_code == 200
