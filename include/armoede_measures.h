/*
 * libarmoede: Standard poverty and inequality measures: equivalised income, weighted quantiles, at-risk-of-poverty rate, persistence, RMPG, S80/S20, Gini, FGT, bootstrap (issue 5).
 * Part of the public API; included by <armoede.h>, do not include it alone.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ARMOEDE_MEASURES_H
#define ARMOEDE_MEASURES_H
#ifndef ARMOEDE_H
#error "include <armoede.h>, not this header"
#endif

#endif /* ARMOEDE_MEASURES_H */
