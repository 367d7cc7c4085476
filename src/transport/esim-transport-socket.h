/*
 * The "socket" transport: a unix stream socket to a simulated eUICC.
 *
 * Framing, in both directions: a 4-byte big-endian length N, then N bytes:
 * one type byte followed by the payload.
 *
 *   request 0x01 APDU   payload: a command APDU
 *   reply   0x81 RAPDU  payload: response data then SW1 SW2
 *   request 0x02 RESET  payload: empty (cold reset, closes logical channels)
 *   reply   0x82 ATR    payload: the answer to reset
 *   reply   0xFF ERROR  payload: a UTF-8 reason (bad frame, unknown type)
 *
 * N is at most ESIM_SOCKET_MAX_FRAME. The peer closing the socket means the
 * card went away. Logical channels are opened with real MANAGE CHANNEL and
 * SELECT APDUs, exactly as on a PC/SC reader.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "esim-transport.h"

G_BEGIN_DECLS

#define ESIM_SOCKET_MAX_FRAME 65544

#define ESIM_SOCKET_MSG_APDU 0x01
#define ESIM_SOCKET_MSG_RESET 0x02
#define ESIM_SOCKET_MSG_RAPDU 0x81
#define ESIM_SOCKET_MSG_ATR 0x82
#define ESIM_SOCKET_MSG_ERROR 0xFF

#define ESIM_TYPE_TRANSPORT_SOCKET (esim_transport_socket_get_type ())
G_DECLARE_FINAL_TYPE (EsimTransportSocket, esim_transport_socket, ESIM, TRANSPORT_SOCKET,
                      EsimTransport)

EsimTransport *esim_transport_socket_new (const gchar *path);

G_END_DECLS
