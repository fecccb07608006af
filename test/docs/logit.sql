-- Tables the examples of docs/logit.md read (the same rows as sql/logit.sql).
-- UCLA's graduate-admissions data (test/data/logit/README.md).
CREATE TABLE admissions (admit int, gre float8, gpa float8, rank int);
\copy admissions FROM 'test/data/logit/binary.csv' WITH (FORMAT csv, HEADER)
