"""The till window's sale path on top of the register (kassa.register.service.Register).

session          the register, called one call at a time in a thread of its own; what the cart
                 looks like after each call (CartView)
sale_flow        paying (cash, card, Swish, split), the control unit's refusal and "Försök igen",
                 and the receipt after every sale: printed, offered on paper, or electronic
sale_actions     the other sale keys (void, park, parked sales, pro forma, copy, training, "Öppna
                 låda", the next receipt electronic), the payment buttons and the Försäljning menu
invoice_sale     F7: the cart invoiced, outside the register
receipt_output   the receipt printer: the print queue, its drain every few seconds, the drawer
receipt_paper    a receipt on paper through Qt (print dialog) and as an electronic receipt (PDF)
receipt_dialog   the receipt on screen after every sale
payment_dialogs  Swish and the split payment (cash and card are in kassa.ui.payment_dialogs)
parked_dialog    the parked sales, to take one back
"""
