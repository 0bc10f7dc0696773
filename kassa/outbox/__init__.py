"""The send queue for e-invoices: exactly once through Pagero, follow-up, the buyer's answer.

    transmission = enqueue_invoice(invoice.id, till="Kassa 1")   # enqueue: the print action; SendBlocked if not
    Sender(client_factory, "till-1").run(stop_event)             # sender: a thread or `kassa outbox run`

Exactly once rests on three things:

1. ``enqueue.enqueue_invoice`` stores the transmission row (with the UBL as sent) in the same
   transaction that marks the invoice as e-invoiced; the unique key on the invoice makes a
   second row impossible, whatever clicks twice.
2. Before an upload the row is marked ``uploading`` and committed. The file id is stored when
   Pagero answers. A row found in ``uploading`` (a crash, a lost answer, a lease that ran out)
   is reconciled first: Pagero's documents are looked up by ``senderReference``, and only
   when Pagero still has nothing after ``SendPolicy.reconcile_grace`` is it posted again.
3. Senders claim rows in short transactions (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
   ``BEGIN IMMEDIATE`` on SQLite) that set ``claimed_by`` and push ``next_attempt_at`` one
   lease ahead, so two senders never work on the same row at once, and a dead sender's rows
   come back after the lease. State changes are conditional on the state read
   (``states.transition``), so a late writer cannot overwrite a newer state.

Every time those decisions compare (the lease, the grace, when a row is due) comes from one clock,
the database's (``kassa.models.db_now``: the server's on PostgreSQL), never a till's own: a time one
till writes is read by another, and tills' clocks may be minutes apart.

Follow-up is polling at growing intervals; every state change goes to the invoice's audit log
(AuditEvent) and to ``Transmission.messages``.

Modules: ``states`` (texts, state changes), ``enqueue`` (the print action), ``sender`` (the
loop), ``interest`` ("Anmäl intresse", its own job), ``actions`` (a person's retry and cancel),
``summary`` (what the window and ``kassa outbox list`` show), ``background`` (the sender's thread
in the application). Nothing here imports Qt. See docs/architecture.md.
"""
