"""logframe pages."""

app_name = "logframe"
urlpatterns: list = []
