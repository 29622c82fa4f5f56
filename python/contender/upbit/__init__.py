"""The exchange side: the market list, the connection plan, reconnect backoff, the WebSocket
connections (ping, handshake timeout, silence watchdog, flap budget) and the cheap frame check.
https://docs.upbit.com/reference/connection"""
