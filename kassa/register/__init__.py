"""The kassaregister (SKVFS 2014:9): receipts, returns, the cash float, X/Z reports, the journal.

Qt-free. The control unit (`kassa.register.control_unit.base`) and the receipt printer
(`kassa.devices.base`, drawing a `kassa.devices.printout.Printout`) plug in through small
interfaces, so the register runs headless and in tests without hardware.

    service          Register: what the till window calls (start here; its docstring is the API)
    payments         means of payment, split payments, öresavrundning
    receipts         building, numbering, registering with the control unit, storing a receipt
    unit_attempts    receipt data recorded before the unit is called: a receipt the unit holds survives a
                     restart (sent again, or its number closed as a voided receipt)
    document         a receipt as one value (what is printed, journalled and exported)
    receipt_printout the receipt as printable lines (SKVFS 2014:9 7 kap. 1 §)
    reports          the day: open, X, Z (closing), the figures from the database
    figures          DayFigures: the X/Z figures as a typed value (kassa.bookkeeping books a Z report's)
    report_printout  the X/Z report as printable lines (7 kap. 3 § a–w)
    returns          what of a receipt can still come back
    lines, layout    cart lines as journalled; two-column printout lines
    journal          the append-only, hash-chained journal; verify
    events           the kinds of journal rows
    export           the journal as XML (SKVFS 2021:16), streamed
    export_names     every XML name of the export, with where it comes from
    prices           article price changes and setting changes into the journal
    identity         what the shop reports to Skatteverket (model "… SE", number, version)
    control_unit     the unit's interface, drivers and settings (issue 14); the register builds the chosen one
    clock            UTC stored, local time shown
"""
