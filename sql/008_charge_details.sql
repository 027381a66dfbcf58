-- The rest of what integrations send with a charge: where the goods go, the end of the statement descriptor, and
-- the group the charge's transfers would belong to. `shipping` keeps Stripe's object (name, phone, carrier,
-- tracking number and an address), each string bounded by the API before the processor is asked.

ALTER TABLE charges
    ADD COLUMN shipping                    jsonb CHECK (jsonb_typeof(shipping) = 'object'),
    ADD COLUMN statement_descriptor_suffix text  CHECK (char_length(statement_descriptor_suffix) <= 22),
    ADD COLUMN transfer_group              text  CHECK (char_length(transfer_group) <= 255);
