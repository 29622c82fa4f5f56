"""The Kafka side: the shared producer settings, the confluent-kafka producer with its poll
thread, and the summary of librdkafka's statistics."""
