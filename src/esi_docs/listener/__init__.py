"""The MLLP listener (`esi-docs listen`): HL7 v2 messages in over TCP, letters out, ACKs back.

framing.py reads MLLP frames with a size bound and a read timeout; ack.py builds the ACK
(AA, or AE with ERR segments naming the problems without patient data); handler.py turns one
message into a delivered, recorded letter; server.py owns the socket, the allowed peers, the
bounded connections and the clean stop on SIGTERM.
"""
