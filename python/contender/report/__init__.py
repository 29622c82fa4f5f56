"""The report (schemas/report.schema.json): status judgement, assembly, host facts, writing."""
