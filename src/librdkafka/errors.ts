/**
 * @module librdkafka/errors
 * librdkafka failures as typed errors carrying librdkafka's own name (e.g. `_MSG_TIMED_OUT`) and
 * message, so reports count by that name and users read what librdkafka said.
 */
export class KafkaError extends Error {
  override readonly name = 'KafkaError'
  constructor(
    message: string,
    /** librdkafka's error name without the RD_KAFKA_RESP_ERR_ prefix; `CONF_INVALID` etc. for config */
    readonly errName: string,
    readonly code = 0,
  ) {
    super(message)
  }
}

/** A librdkafka property rejected by rd_kafka_conf_set or rd_kafka_new. */
export class KafkaConfigError extends KafkaError {}
