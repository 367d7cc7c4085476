/*
 * libFuzzer target for the BER-TLV decoder: decode, walk every node, read
 * every primitive through the typed getters, and re-encode the tree with the
 * builder, which must decode again to the same shape.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "esim-tlv.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static guint
walk (const EsimTlv *tlv, EsimTlvBuilder *builder, guint depth)
{
  EsimTlvIter iter;
  EsimTlv child;
  guint nodes = 1;

  if (depth > ESIM_TLV_MAX_DEPTH)
    abort ();
  if (!esim_tlv_is_constructed (tlv)) {
    gint64 i;
    guint64 u;
    gboolean b;
    guint32 bits;
    g_autofree gchar *s = NULL;

    (void) esim_tlv_get_int (tlv, &i, NULL);
    (void) esim_tlv_get_uint (tlv, &u, NULL);
    (void) esim_tlv_get_bool (tlv, &b, NULL);
    (void) esim_tlv_get_bit_string (tlv, &bits, NULL);
    s = esim_tlv_dup_string (tlv, NULL);
    esim_tlv_builder_add (builder, tlv->tag, tlv->value, tlv->length);
    return nodes;
  }
  esim_tlv_builder_begin (builder, tlv->tag);
  esim_tlv_iter_init (&iter, tlv);
  while (esim_tlv_iter_next (&iter, &child)) {
    /* children lie inside the parent */
    if (child.raw < tlv->value || child.raw + child.raw_length > tlv->value + tlv->length)
      abort ();
    nodes += walk (&child, builder, depth + 1);
  }
  esim_tlv_builder_end (builder);
  return nodes;
}

static guint
count (const EsimTlv *tlv)
{
  EsimTlvIter iter;
  EsimTlv child;
  guint nodes = 1;

  esim_tlv_iter_init (&iter, tlv);
  while (esim_tlv_iter_next (&iter, &child))
    nodes += count (&child);
  return nodes;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (EsimTlvBuilder) builder = esim_tlv_builder_new ();
  g_autoptr (GBytes) again = NULL;
  EsimTlv tlv, tlv2;
  guint nodes;

  if (!esim_tlv_decode (data, size, &tlv, NULL))
    return 0;
  nodes = walk (&tlv, builder, 0);
  again = esim_tlv_builder_finish (builder);
  /* the builder writes minimal lengths, so the result may be shorter, but
   * it must decode and have the same number of nodes */
  if (!esim_tlv_decode_bytes (again, &tlv2, NULL))
    abort ();
  if (tlv2.tag != tlv.tag || count (&tlv2) != nodes)
    abort ();
  if (g_bytes_get_size (again) > size)
    abort ();
  return 0;
}
