/*
 * BER-TLV decoding and encoding for SGP.22 (ISO/IEC 8825-1 subset).
 *
 * Tags are kept as their encoded bytes packed big-endian into a guint32, so
 * that code reads like the specification: 0x5A, 0x9F70, 0xBF2D.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ESIM_TLV_ERROR (esim_tlv_error_quark ())
GQuark esim_tlv_error_quark (void);

typedef enum {
  ESIM_TLV_ERROR_TRUNCATED,         /* header or value runs past the buffer */
  ESIM_TLV_ERROR_BAD_TAG,           /* tag longer than 4 bytes or malformed */
  ESIM_TLV_ERROR_BAD_LENGTH,        /* length field longer than 4 bytes */
  ESIM_TLV_ERROR_INDEFINITE_LENGTH, /* 0x80 length form, not allowed */
  ESIM_TLV_ERROR_TOO_DEEP,          /* nesting beyond ESIM_TLV_MAX_DEPTH */
  ESIM_TLV_ERROR_TRAILING_DATA,     /* bytes after the single expected TLV */
  ESIM_TLV_ERROR_UNEXPECTED_TAG,    /* a different tag than the one required */
  ESIM_TLV_ERROR_MISSING,           /* a mandatory element is absent */
  ESIM_TLV_ERROR_BAD_VALUE,         /* value does not fit its type */
} EsimTlvError;

#define ESIM_TLV_MAX_DEPTH 32

typedef struct {
  guint32 tag;
  const guint8 *value; /* points into the decoded buffer */
  gsize length;
  const guint8 *raw; /* the whole TLV, header included */
  gsize raw_length;
} EsimTlv;

typedef struct {
  const guint8 *pos;
  const guint8 *end;
} EsimTlvIter;

/* low level: one TLV header at the start of buf; no recursion */
gboolean esim_tlv_parse_header (const guint8 *buf, gsize len, EsimTlv *out, GError **error);

/* exactly one TLV covering all of buf, whose constructed children are
 * validated recursively (depth limited); afterwards iteration cannot fail */
gboolean esim_tlv_decode (const guint8 *buf, gsize len, EsimTlv *out, GError **error);
gboolean esim_tlv_decode_bytes (GBytes *bytes, EsimTlv *out, GError **error);
/* like esim_tlv_decode, but also requires the outer tag */
gboolean esim_tlv_decode_expect (GBytes *bytes, guint32 tag, EsimTlv *out, GError **error);

gboolean esim_tlv_is_constructed (const EsimTlv *tlv);
guint esim_tlv_tag_size (guint32 tag);

/* children of a constructed TLV; call on a decoded (validated) TLV */
void esim_tlv_iter_init (EsimTlvIter *iter, const EsimTlv *parent);
gboolean esim_tlv_iter_next (EsimTlvIter *iter, EsimTlv *child);

/* first child with the tag; FALSE when absent */
gboolean esim_tlv_find (const EsimTlv *parent, guint32 tag, EsimTlv *child);
/* same, but an absent child is an ESIM_TLV_ERROR_MISSING error */
gboolean esim_tlv_require (const EsimTlv *parent, guint32 tag, EsimTlv *child, GError **error);
guint esim_tlv_count_children (const EsimTlv *parent);

/* typed values */
gboolean esim_tlv_get_int (const EsimTlv *tlv, gint64 *out, GError **error);
gboolean esim_tlv_get_uint (const EsimTlv *tlv, guint64 *out, GError **error);
gboolean esim_tlv_get_bool (const EsimTlv *tlv, gboolean *out, GError **error);
/* UTF8String, validated; may be empty */
gchar *esim_tlv_dup_string (const EsimTlv *tlv, GError **error);
/* BIT STRING with named bits: bit 0 of the result is the first named bit */
gboolean esim_tlv_get_bit_string (const EsimTlv *tlv, guint32 *bits, GError **error);
GBytes *esim_tlv_dup_value (const EsimTlv *tlv);
GBytes *esim_tlv_dup_raw (const EsimTlv *tlv);

/* encoding */
typedef struct _EsimTlvBuilder EsimTlvBuilder;

EsimTlvBuilder *esim_tlv_builder_new (void);
void esim_tlv_builder_free (EsimTlvBuilder *self);
/* open a constructed TLV; close it with esim_tlv_builder_end() */
void esim_tlv_builder_begin (EsimTlvBuilder *self, guint32 tag);
void esim_tlv_builder_end (EsimTlvBuilder *self);
void esim_tlv_builder_add (EsimTlvBuilder *self, guint32 tag, const guint8 *value, gsize length);
void esim_tlv_builder_add_bytes (EsimTlvBuilder *self, guint32 tag, GBytes *value);
void esim_tlv_builder_add_int (EsimTlvBuilder *self, guint32 tag, gint64 value);
void esim_tlv_builder_add_bool (EsimTlvBuilder *self, guint32 tag, gboolean value);
void esim_tlv_builder_add_string (EsimTlvBuilder *self, guint32 tag, const gchar *value);
/* named bits, bit 0 first; nbits is the number of named bits; trailing
 * zero bits are trimmed as DER requires */
void esim_tlv_builder_add_bit_string (EsimTlvBuilder *self, guint32 tag, guint32 bits, guint nbits);
/* an already encoded TLV (or several) copied as they are */
void esim_tlv_builder_add_raw (EsimTlvBuilder *self, const guint8 *data, gsize length);
/* all TLVs must be closed; returns what was built and empties the builder */
GBytes *esim_tlv_builder_finish (EsimTlvBuilder *self);

/* encode a single header; returns bytes written (at most 9) */
gsize esim_tlv_encode_header (guint32 tag, gsize length, guint8 *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsimTlvBuilder, esim_tlv_builder_free)

G_END_DECLS
