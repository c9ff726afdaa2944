"""The long-running MQTT consumer behind `manage.py consume_mqtt`.

paho's network thread receives messages into a queue; this thread gathers them into batches (MQTT_BATCH_SIZE
messages, or MQTT_BATCH_MS after the first one) and stores each batch in one transaction. Messages are
acknowledged (QoS 1, manual PUBACK) only after that transaction commits, and the session outlives the
connection (MQTT 5 clean_start off, a session expiry), so whatever was received but not yet stored when the
broker, the network or this process went away is delivered again: the idempotent upsert makes that harmless.
"""

import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from .messages import SIGNATURE_PROPERTY, TOPIC_FILTER, MeterMessage
from .services import IngestedBatch, meter_message_dead_letter, meter_messages_ingest

log = logging.getLogger(__name__)

# The broker keeps the consumer's subscription and unacknowledged messages this long while it is away.
SESSION_EXPIRY_SECONDS = 7 * 24 * 3600
KEEPALIVE_SECONDS = 30
RECONNECT_DELAY_SECONDS = (1, 30)  # paho doubles the wait after each failed attempt, up to the second figure
STORE_RETRY_SECONDS = (0.5, 30.0)


@dataclass(frozen=True)
class Delivery:
    message: MeterMessage
    mid: int
    qos: int
    connection: int  # which connection brought it: a packet id means nothing on a later one


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> "Broker":
        parts = urlsplit(url)
        if parts.scheme not in {"mqtt", "mqtts"} or not parts.hostname:
            raise ValueError(f"MQTT_BROKER_URL must look like mqtt://host:1883 or mqtts://host:8883, not {url!r}")
        tls = parts.scheme == "mqtts"
        return cls(
            host=parts.hostname,
            port=parts.port or (8883 if tls else 1883),
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def _signature_of(message: mqtt.MQTTMessage) -> str | None:
    properties = getattr(message, "properties", None)
    for name, value in getattr(properties, "UserProperty", None) or []:
        if name == SIGNATURE_PROPERTY:
            return str(value)
    return None


class MeterConsumer:
    def __init__(self, *, broker_url: str, client_id: str, batch_size: int, batch_ms: int):
        self.broker = Broker.from_url(broker_url)
        self.batch_size = batch_size
        self.batch_seconds = batch_ms / 1000
        self.inbox: queue.Queue[Delivery] = queue.Queue()
        self.stopping = threading.Event()
        self.connection = 0
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5, manual_ack=True)
        if self.broker.tls:
            client.tls_set()
        if self.broker.username:
            client.username_pw_set(self.broker.username, self.broker.password)
        client.reconnect_delay_set(*RECONNECT_DELAY_SECONDS)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        self.client = client

    # --- paho's network thread ------------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.error("the broker refused the connection: %s", reason_code)
            return
        self.connection += 1
        client.subscribe(TOPIC_FILTER, options=SubscribeOptions(qos=1))
        log.info(
            "connected to %s:%s (session present: %s); subscribed to %s",
            self.broker.host,
            self.broker.port,
            flags.session_present,
            TOPIC_FILTER,
        )

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        if not self.stopping.is_set():
            log.warning("lost the broker (%s); reconnecting with backoff", reason_code)

    def _on_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        received = MeterMessage(
            topic=message.topic,
            payload=bytes(message.payload),
            signature=_signature_of(message),
            received_at=datetime.now(UTC),
        )
        self.inbox.put(Delivery(received, message.mid, message.qos, self.connection))

    # --- the consuming thread -------------------------------------------------------------------
    def run(self) -> None:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
        properties.ReceiveMaximum = min(self.batch_size, 65535)
        self.client.connect_async(
            self.broker.host, self.broker.port, KEEPALIVE_SECONDS, clean_start=False, properties=properties
        )
        self.client.loop_start()
        try:
            while not self.stopping.is_set():
                batch = self._next_batch()
                if batch:
                    self._store(batch)
            # What arrived before the stop is stored and acknowledged; the broker keeps the rest for the next run.
            self._store(self._drain())
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            log.info("stopped")

    def stop(self) -> None:
        self.stopping.set()

    def _next_batch(self) -> list[Delivery]:
        try:
            batch = [self.inbox.get(timeout=0.2)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.batch_seconds
        while len(batch) < self.batch_size and not self.stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(self.inbox.get(timeout=min(remaining, 0.2)))
            except queue.Empty:
                continue
        return batch

    def _drain(self) -> list[Delivery]:
        batch: list[Delivery] = []
        while True:
            try:
                batch.append(self.inbox.get_nowait())
            except queue.Empty:
                return batch

    def _ingest(self, messages: list[MeterMessage]) -> IngestedBatch:
        """Stores the messages. When handling them raises an unexpected error that is not the database's (a bug, a
        message no check foresaw), each is stored alone, and the one that fails is dead-lettered with the reason
        and logged: one message never stops the consumer. Database errors go to the caller, which retries."""
        try:
            return meter_messages_ingest(messages=messages)
        except DatabaseError:
            raise
        except Exception as error:
            if len(messages) > 1:
                log.exception("storing %d messages failed; storing them one by one", len(messages))
                outcomes = [self._ingest([message]) for message in messages]
                return IngestedBatch(
                    stored_readings=sum(outcome.stored_readings for outcome in outcomes),
                    dead_letters=sum(outcome.dead_letters for outcome in outcomes),
                )
            log.exception("a message on %s could not be handled; dead-lettered", messages[0].topic)
            reason = (
                f"The message could not be handled because of an error on our side ({type(error).__name__}), which "
                "has been logged; nothing of it was stored."
            )
            meter_message_dead_letter(message=messages[0], reason=reason)
            return IngestedBatch(stored_readings=0, dead_letters=1)

    def _store(self, batch: list[Delivery]) -> None:
        """Stores the batch, retrying while the database is away; then acknowledges it. Given up only on a stop,
        unacknowledged, so the broker delivers it again to the next run."""
        if not batch:
            return
        close_old_connections()  # what a request's start does: a connection past DB_CONN_MAX_AGE or broken is renewed
        wait = STORE_RETRY_SECONDS[0]
        while True:
            try:
                outcome = self._ingest([delivery.message for delivery in batch])
                break
            except DatabaseError:
                log.exception("could not store %d messages; retrying in %.1fs", len(batch), wait)
                close_old_connections()
                if self.stopping.wait(wait):
                    return
                wait = min(wait * 2, STORE_RETRY_SECONDS[1])
        for delivery in batch:
            # A message that came on an earlier connection has been (or will be) sent again on this one, where
            # its packet id may already name another message: that copy is acknowledged when it is stored.
            if delivery.connection == self.connection:
                self.client.ack(delivery.mid, delivery.qos)
        log.info(
            "stored %d readings from %d messages; %d dead-lettered",
            outcome.stored_readings,
            len(batch),
            outcome.dead_letters,
        )
