"""Django's own display of an instant (the admin's history pages, any datetime a template prints without a filter)
in the site's zone with the zone's name, written as carbonexia.common.instants writes a UTC instant:
'2024-07-09 08:35 UTC'. Pages show instants through `|instant` and `instant_column`; this is the fallback."""

DATETIME_FORMAT = "Y-m-d H:i e"
