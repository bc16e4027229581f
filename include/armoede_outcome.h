/*
 * libarmoede: Outcome indicators: scheme registrations, take-up and non-take-up, debt at intake against the nation, debt-assistance results (issue 3).
 * Part of the public API; included by <armoede.h>, do not include it alone.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ARMOEDE_OUTCOME_H
#define ARMOEDE_OUTCOME_H
#ifndef ARMOEDE_H
#error "include <armoede.h>, not this header"
#endif

#endif /* ARMOEDE_OUTCOME_H */
