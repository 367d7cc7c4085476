/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "esim-log.h"

static gboolean esim_log_verbose = FALSE;

void
esim_log_set_verbose (gboolean verbose)
{
  esim_log_verbose = verbose;
  /* debug messages follow --verbose as if G_MESSAGES_DEBUG=all were set */
  if (verbose)
    g_log_set_debug_enabled (TRUE);
}

gboolean
esim_log_get_verbose (void)
{
  /* G_MESSAGES_DEBUG naming our domain counts as verbose too */
  return esim_log_verbose || !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
}

const gchar *
esim_log_personal (const gchar *value)
{
  if (value == NULL)
    return "(none)";
  if (esim_log_get_verbose ())
    return value;
  return "###";
}
