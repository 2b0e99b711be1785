import pytest


@pytest.mark.django_db
def test_ping_answers_json(client):
    response = client.get("/api/v1/ping")
    assert response.status_code == 200
    assert response.json()["pong"] is True
