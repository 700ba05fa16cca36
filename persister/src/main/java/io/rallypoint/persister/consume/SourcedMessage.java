package io.rallypoint.persister.consume;

import io.rallypoint.schemas.frame.ChatMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A chat message and the Kafka record it was read from (for retry routing and offsets). */
record SourcedMessage(ChatMessage message, ConsumerRecord<byte[], byte[]> record) {}
