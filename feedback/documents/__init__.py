"""Official documents of an item, printed or attached to mail: the apology (Mẫu 04, Thông tư
01/2018/TT-VPCP) and the answer to a citizen, in the layout of Nghị định 30/2020/NĐ-CP.

layout.py draws a letter (pure: data in, PDF bytes out), letters.py writes the text of each document
(pure), services.py gathers an item's data for them, mail.py renders them at delivery."""
