package io.rallypoint.schemas.frame;

/** A frame the server sends over the WebSocket (PROTOCOL section 1, "Server -> client"). */
public sealed interface ServerFrame
    permits AckFrame, ChatMessage, ReceiptFrame, SyncReplyFrame, MeetingPoint, LocationNotice, TypingNotice,
        PresenceFrame, OkFrame, PongFrame, ErrorFrame {}
