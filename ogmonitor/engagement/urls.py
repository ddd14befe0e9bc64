"""Engagement pages: events (and the engagement overview), proposals, platforms and chronology.

Each area keeps its patterns in its own module; they share the ``engagement`` namespace.
"""

from .urls_events import urlpatterns as event_patterns
from .urls_platforms import urlpatterns as platform_patterns
from .urls_proposals import urlpatterns as proposal_patterns
from .urls_responsiveness import urlpatterns as responsiveness_patterns

app_name = "engagement"
urlpatterns = [*event_patterns, *proposal_patterns, *platform_patterns, *responsiveness_patterns]
