#!/usr/bin/python3
"""The Groningen trend monitor and a take-up table, as a notebook user would
write them with the Python bindings (bindings/README.md).

    PYTHONPATH=build/bindings/python /usr/bin/python3 examples/python/trendmonitor.py \
        [CITY.csv.gz] [OUT_DIR]

CITY: made by `build/tools/armoede-gencity -o data/synthetic/groningen_2016_2024.csv.gz`
(tools/demo.sh does it); OUT_DIR default out/python.
"""
import os
import sys

import pandas as pd

import armoede

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
city = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "data", "synthetic", "groningen_2016_2024.csv.gz")
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "out", "python")
os.makedirs(out, exist_ok=True)

# 1. The data as analysts have it: a pandas DataFrame.
df = pd.read_csv(city, na_values=["", "NA", "-"], keep_default_na=False,
                 dtype={"wijk": "category", "household_type": "category", "income_source": "category"})
norms = armoede.Norms.read_csv(os.path.join(root, "data", "norms_participatiewet.csv")).map_types(
    {"single_parent": "single", "couple_children": "couple", "other": "couple"})
t = armoede.Table.from_dataframe(
    df, person_id="person_id", household_id="household_id", year="year", birth_year="birth_year",
    income="income", household_type="household_type", age_band="head_age_band", whole_year="whole_year",
    student="student", institutional="institutional", wealth="wealth", area="wijk",
    income_source="income_source")

# 2. The trend monitor (seed 000 section 3.1): 110% and 120% of the social minimum,
#    households, persons and minors, by year and district / household type / income source,
#    and how long (1+ and 4+ years) by district. The CBS population filters are the defaults.
#    Some rows of the city have no household type: na_keys="library" leaves them out of the
#    cells and counts them in the notes, as the monitor does (the default raises an error).
parts = [armoede.minima(t, thresholds=[1.10, 1.20], units=["households", "persons", "minors"],
                        by=["year", by], margins=[by], norms=norms, na_keys="library")
         for by in ("wijk", "household_type", "income_source")]
parts.append(armoede.durations(t, thresholds=[1.10, 1.20], durations=[1, 4], units=["persons", "minors"],
                               by=["year", "wijk"], margins=["wijk"], norms=norms))
monitor = pd.concat(parts, ignore_index=True)
print(monitor.query("indicator == 'minima' and unit == 'households' and threshold == 1.1 "
                    "and wijk == 'Total'")[["year", "numerator", "denominator", "estimate"]]
      .to_string(index=False))

# Publishing: disclosure control is on when writing (min_n 10, secondary suppression).
for i, part in enumerate(parts):
    armoede.write_csv(part, os.path.join(out, "trendmonitor_part%d.csv" % (i + 1)))

# The same monitor from its configuration file, as the `armoede` command runs it.
ini = os.path.join(root, "examples", "groningen", "trendmonitor.ini")
if os.path.exists(os.path.join(root, "data", "synthetic", "groningen_2016_2024.csv.gz")):
    published = armoede.monitor_run(ini, out_dir=out)
    print("monitor_run: %d cells, %d suppressed" % (len(published), (published.status != "ok").sum()))

# 3. An outcome table: take-up of the Stadjerspas (a city pass) by households at or below 120%.
#    The registrations are the scheme export that armoede-genoutcome makes beside the city
#    (tools/demo.sh); without it, a stand-in is made up from the household ids.
regs_file = os.path.join(os.path.dirname(os.path.abspath(city)), "registrations.csv.gz")
if os.path.exists(regs_file):
    registrations = pd.read_csv(regs_file)
    registrations = registrations[registrations.scheme == "stadjerspas"][["household_id", "scheme", "year"]]
else:
    hh = df[["household_id", "year"]].drop_duplicates()
    registrations = hh[(hh.household_id * 7919 + hh.year) % 10 < 4].assign(scheme="stadjerspas")
take_up = armoede.take_up(
    t, registrations, units="households",
    population={"norms": norms, "by": ["year"]},
    registrations={"id": "household_id", "level": "household", "scheme": "scheme", "year": "year"},
    schemes=[{"code": "stadjerspas", "threshold": 1.2}])
print(take_up.query("indicator == 'take_up'")[["scheme", "year", "numerator", "denominator", "estimate"]]
      .to_string(index=False))
armoede.write_csv(take_up, os.path.join(out, "take_up.csv"))
print("written to", os.path.abspath(out))
