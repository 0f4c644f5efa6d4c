"""What an event produces for the office: the workbook, the PDF report, cards, the bundle."""
