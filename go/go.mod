module github.com/upbit-kafka-bench/go-producer

go 1.26.8

require (
	github.com/HdrHistogram/hdrhistogram-go v1.4.0
	github.com/confluentinc/confluent-kafka-go/v2 v2.15.1
	github.com/gorilla/websocket v1.5.3
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
)

require golang.org/x/text v0.38.0 // indirect
