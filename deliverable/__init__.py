"""What a consultant's deliverable carries beyond the assessment: the tracked actions and their life-cycle,
the workshop, the comparisons and the consultancy's branding. The workspace (`store/`) records them and the
report (`report/`) prints them; neither imports the other, both import this."""
