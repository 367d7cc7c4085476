/*
 * Small helpers of the ES10 tests: hex vectors and TLVs written as nested
 * calls, so that a test vector reads like the ASN.1 it encodes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* hex digits (spaces allowed) to bytes; aborts on bad input */
GBytes *es10_test_bytes (const gchar *hex);
gchar *es10_test_hex (GBytes *bytes);

/* a TLV in hex: tag in hex, then the value as hex parts ending with NULL;
 * the returned strings live until es10_test_free_all() */
const gchar *T (const gchar *tag, ...) G_GNUC_NULL_TERMINATED;
/* a UTF-8 string as hex */
const gchar *S (const gchar *text);
/* n times the byte b, as hex */
const gchar *R (guint8 b, gsize n);
void es10_test_free_all (void);

G_END_DECLS
