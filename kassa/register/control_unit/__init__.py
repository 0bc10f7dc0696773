"""The control unit (kontrollenhet, SKVFS 2009:2): the interface, its drivers and a local emulator."""
