/* report.js — placeholder until the report page lands. */ gcSettle();
