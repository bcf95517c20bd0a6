"""pirisk's Streamlit pages (one small module per page) and the state and widgets they share."""
