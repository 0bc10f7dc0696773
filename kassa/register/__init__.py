"""The kassaregister (SKVFS 2014:9): receipts, returns, the cash float, X/Z reports, the journal.

Qt-free. The control unit (`kassa.register.control_unit.base`) and the receipt printer
(`kassa.devices.base`, drawing a `kassa.devices.printout.Printout`) plug in through small
interfaces, so the register runs headless and in tests without hardware.
"""
