from .bills.urls import urlpatterns as bill_urls
from .meters.urls import urlpatterns as meter_urls
from .readings.urls import urlpatterns as reading_urls
from .uploads.urls import urlpatterns as upload_urls
from .weather.urls import urlpatterns as weather_urls

urlpatterns = [*reading_urls, *upload_urls, *bill_urls, *weather_urls, *meter_urls]
