"""disclosure pages."""

app_name = "disclosure"
urlpatterns: list = []
