/*
 * libarmoede: Process and programme indicators: Dutch working-day calendar, throughput, output, input (issue 4).
 * Part of the public API; included by <armoede.h>, do not include it alone.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ARMOEDE_PROCESS_H
#define ARMOEDE_PROCESS_H
#ifndef ARMOEDE_H
#error "include <armoede.h>, not this header"
#endif

#endif /* ARMOEDE_PROCESS_H */
