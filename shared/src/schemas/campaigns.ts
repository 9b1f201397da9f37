/** Campaign definitions, reports and API shapes (built by the campaigns module). */
export {};
