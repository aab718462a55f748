"""The diff viewer's first slice, through the composite at /diff."""


def test_the_form_offers_two_texts(client):
    page = client.get("/diff/").get_data(as_text=True)
    assert 'name="left"' in page and 'name="right"' in page


def test_submitting_renders_a_unified_diff_with_word_marks(client):
    response = client.post("/diff/", data={"left": "one\nsame\nold word here\n", "right": "one\nsame\nnew word here\n"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<del>old</del>" in page
    assert "<ins>new</ins>" in page


def test_user_text_is_escaped_in_the_diff(client):
    page = client.post("/diff/", data={"left": "<b>x</b>\n", "right": "<script>alert(1)</script>\n"}).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
