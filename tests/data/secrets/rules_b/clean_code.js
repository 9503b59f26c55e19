// Login form handling: reads credentials from the request, never from the source.
const express = require('express');
const bcrypt = require('bcrypt');

const router = express.Router();
const PASSWORD_MIN_LENGTH = 12;
const passwordField = 'password';

router.post('/login', async (req, res) => {
  const password = req.body.password;
  const apiKey = process.env.API_KEY;
  const token = req.headers.authorization;
  if (password === undefined || password.length < PASSWORD_MIN_LENGTH) {
    return res.status(400).json({ error: 'password too short' });
  }
  const user = await db.users.findOne({ email: req.body.email });
  const ok = await bcrypt.compare(password, user.passwordHash);
  const config = { password: config.password, secret: this.secret, api_key: apiKey };
  res.json({ ok, token_type: 'Bearer', expires_in: 3600 });
});

module.exports = { router, passwordField };
