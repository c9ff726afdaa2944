"""A private Mosquitto, the consumer as a real process, and a device that signs what it publishes."""

import getpass
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt
from django.db import connection
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from carbonexia.webhooks.transport import signature

from .processes import STARTUP_SECONDS, free_port
from .worker import ROOT, test_database_url


def database_url() -> str:
    """The test database for another process: PostgreSQL's URL, or the SQLite test database's file."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{connection.settings_dict['NAME']}"
    return test_database_url()


def _stop(process: subprocess.Popen, *, timeout: float = 20) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _answers(port: int) -> bool:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    try:
        client.connect("127.0.0.1", port, keepalive=5)
    except OSError:
        return False
    client.disconnect()
    return True


class MosquittoProcess:
    """mosquitto on a free loopback port, persisting its sessions in `workdir`; stop and start it again to
    restart the broker under the clients' feet."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.config = workdir / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            # Started as root, Mosquitto would switch to the user "mosquitto", which may not write in workdir.
            f"user {getpass.getuser()}\n"
            "persistence true\n"
            f"persistence_location {workdir}/\n"
            # As in docker-compose: the consumer's batch may be in flight at once, and a long stop queues a lot.
            "max_inflight_messages 1000\n"
            "max_queued_messages 100000\n"
        )
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.log = open(self.workdir / "mosquitto.log", "ab")  # noqa: SIM115 - kept open for the process's lifetime
        self.process = subprocess.Popen(
            ["mosquitto", "-c", str(self.config)], stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"mosquitto did not start; see {self.workdir / 'mosquitto.log'}")
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM: Mosquitto writes its sessions and queued messages to disk before it exits."""
        if self.process is not None:
            _stop(self.process)
            self.log.close()


class ConsumerProcess:
    """`manage.py consume_mqtt` on the test database, with a client id (so a broker session) of its own."""

    def __init__(self, workdir: Path, *, broker_url: str, batch_size: int = 50, batch_ms: int = 100):
        self.log_path = workdir / f"consumer-{uuid.uuid4().hex[:8]}.log"
        self.broker_url = broker_url
        self.client_id = f"carbonexia-test-{uuid.uuid4().hex}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DB_CONN_MAX_AGE": "0",
            "MQTT_BROKER_URL": broker_url,
            "MQTT_CLIENT_ID": self.client_id,
            "MQTT_BATCH_SIZE": str(batch_size),
            "MQTT_BATCH_MS": str(batch_ms),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process's lifetime
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "consume_mqtt"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_connected(times=self.connections() + 1)

    def connections(self) -> int:
        return self.log_path.read_text().count("subscribed to") if self.log_path.exists() else 0

    def wait_connected(self, *, times: int, timeout: float = STARTUP_SECONDS) -> None:
        """Until the consumer has subscribed `times` times in all (its first connection is 1)."""
        deadline = time.monotonic() + timeout
        while self.connections() < times:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the consumer did not (re)connect; see {self.log_path}")
            time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> int:
        _stop(self.process)
        self.log.close()
        return self.process.returncode

    def forget_session(self) -> None:
        """Ends the consumer's session on the broker, so a shared broker keeps no queue for a finished test."""
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=mqtt.MQTTv5)
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 0
        try:
            client.connect(*_host_port(self.broker_url), keepalive=5, clean_start=True, properties=properties)
            client.disconnect()
        except OSError:
            pass


def _host_port(url: str) -> tuple[str, int]:
    host, _, port = url.removeprefix("mqtt://").partition(":")
    return host, int(port or 1883)


class Device:
    """A smart meter publishing signed readings with QoS 1; each publish waits for the broker's PUBACK and is
    sent again while the broker is away, as a device with a persistent session would."""

    def __init__(self, broker_url: str, *, device_id: str, secret: str):
        self.device_id, self.secret = device_id, secret
        self.topic = f"carbonexia/meters/{device_id}/readings"
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"device-{uuid.uuid4().hex}", protocol=5)
        self.client.reconnect_delay_set(0.1, 1)  # type: ignore[arg-type]  # paho accepts fractions of seconds
        self.client.max_inflight_messages_set(1000)  # the bench's publisher sends as fast as the broker takes
        self.client.connect(*_host_port(broker_url), keepalive=30)
        self.client.loop_start()

    @staticmethod
    def body(readings: list[dict], **envelope) -> bytes:
        """A batch, signed as sent now with a new nonce (or the `sent_at`/`nonce` given)."""
        return Device.single({"readings": readings}, **envelope)

    @staticmethod
    def single(fields: dict, *, sent_at: datetime | None = None, nonce: str | None = None) -> bytes:
        """A message of these fields with the instant it is sent and a nonce, as a device sends them."""
        sent = (sent_at or datetime.now(UTC)).isoformat()
        return json.dumps({**fields, "sent_at": sent, "nonce": nonce or uuid.uuid4().hex}).encode()

    def properties(self, payload: bytes, *, signed_with: str | None = "own") -> Properties:
        """The MQTT 5 properties of a message: its signature with the device's secret, another key, or none."""
        properties = Properties(PacketTypes.PUBLISH)
        if signed_with is not None:
            key = self.secret if signed_with == "own" else signed_with
            properties.UserProperty = ("signature", signature(key, payload))
        return properties

    def publish(self, payload: bytes, *, signed_with: str | None = "own", topic: str | None = None) -> None:
        properties = self.properties(payload, signed_with=signed_with)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            info = self.client.publish(topic or self.topic, payload, qos=1, properties=properties)
            try:
                info.wait_for_publish(timeout=2)
                if info.is_published():
                    return
            except RuntimeError:  # not connected right now: sent again once paho has reconnected
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the broker never acknowledged the message")
            time.sleep(0.1)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
