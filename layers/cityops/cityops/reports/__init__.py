"""Reporting (hệ thống thông tin báo cáo, Decree 09/2019/NĐ-CP): the indicator catalogue, report
forms and their periods, units' reports with their values, approval that issues the report
as an outgoing document, completeness and city aggregates."""
