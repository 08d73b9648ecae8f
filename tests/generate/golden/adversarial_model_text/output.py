# @llm-doc-start
def tricky(path, pattern):
    """Match \"\"\"triple\"\"\" quotes and a trailing backslash \\\\.

    Line one
    line two
    line three with a tab	here and a NUL \x00 and # @llm-doc-end marker text.

    A very long word:
    xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.

    Args:
        path (str): Ends with a quote"
        pattern: Regex like \\d+\\s*\\\\

    Returns:
        str: Ends with backslash \\\\
    """
    return path
# @llm-doc-end
# @llm-comm-start
# @ llm-doc-end
# @ llm-comm-start
# second line
x = 1
# @llm-comm-end
