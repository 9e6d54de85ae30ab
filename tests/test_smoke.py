def test_demo_meeting_page(admin_client, make):
    meeting = make.demo_meeting()
    response = admin_client.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    assert "Kluczowa jest wzajemna otwartość" in response.get_data(as_text=True)
