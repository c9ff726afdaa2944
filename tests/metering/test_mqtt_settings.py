import pytest
from django.core.management import CommandError, call_command

from metering.meters.consumer import Broker


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mqtt://127.0.0.1:1883", Broker("127.0.0.1", 1883, False, None, None)),
        ("mqtt://broker", Broker("broker", 1883, False, None, None)),
        ("mqtts://broker", Broker("broker", 8883, True, None, None)),
        ("mqtts://meter%40site:p%2Fw@broker:9000", Broker("broker", 9000, True, "meter@site", "p/w")),
    ],
)
def test_the_broker_url_names_host_port_tls_and_login(url, expected):
    assert Broker.from_url(url) == expected


@pytest.mark.parametrize("url", ["http://broker", "broker:1883", "mqtt://", ""])
def test_a_broker_url_that_is_not_mqtt_stops_the_command_with_the_reason(settings, url):
    settings.MQTT_BROKER_URL = url
    with pytest.raises(CommandError, match="MQTT_BROKER_URL must look like mqtt://host:1883"):
        call_command("consume_mqtt")
