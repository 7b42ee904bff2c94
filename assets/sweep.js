/* sweep.js — placeholder until the sweep page lands. */ gcSettle();
