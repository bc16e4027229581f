/*
 * libarmoede: Survey estimation: weighted shares with design-based standard errors and confidence intervals (issue 3).
 * Part of the public API; included by <armoede.h>, do not include it alone.
 * Copyright (C) 2026 the libarmoede authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ARMOEDE_SURVEY_H
#define ARMOEDE_SURVEY_H
#ifndef ARMOEDE_H
#error "include <armoede.h>, not this header"
#endif

#endif /* ARMOEDE_SURVEY_H */
