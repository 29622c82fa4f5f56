"""The ``python`` contender of upbit-kafka-bench (docs/contenders.md, contract v2).

Streams every Upbit market's WebSocket feed into Kafka through confluent-kafka-python, built
from source against the project's one librdkafka. Run it as ``python -m contender``.
"""
