"""The directory: units (đơn vị) in their tree, the working-day calendar, the caller."""
