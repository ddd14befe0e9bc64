"""Who did something, as the services' log lines name them."""


def actor_label(user) -> str:
    """"maria (12)" for a user, "the system" for changes made by no one (demo data, commands)."""
    return f"{user} ({getattr(user, 'pk', None)})" if user is not None else "the system"
