package bpp

// Source material for the generated catalogs: Indian cities, course topics,
// job roles, scholarship schemes and mentoring sessions. Every name here is
// fictional or generic; the generator combines them with a seeded random
// source so that every filter a learner uses has real variety (languages,
// levels, modes, prices, cities, salaries, eligibility, mentors, slots).

type city struct {
	Name, Code, State, StateCode string
}

var cities = []city{
	{"New Delhi", "std:011", "Delhi", "IN-DL"},
	{"Bengaluru", "std:080", "Karnataka", "IN-KA"},
	{"Mumbai", "std:022", "Maharashtra", "IN-MH"},
	{"Pune", "std:020", "Maharashtra", "IN-MH"},
	{"Hyderabad", "std:040", "Telangana", "IN-TG"},
	{"Chennai", "std:044", "Tamil Nadu", "IN-TN"},
	{"Kolkata", "std:033", "West Bengal", "IN-WB"},
	{"Lucknow", "std:0522", "Uttar Pradesh", "IN-UP"},
	{"Jaipur", "std:0141", "Rajasthan", "IN-RJ"},
	{"Ahmedabad", "std:079", "Gujarat", "IN-GJ"},
	{"Bhopal", "std:0755", "Madhya Pradesh", "IN-MP"},
	{"Patna", "std:0612", "Bihar", "IN-BR"},
	{"Guwahati", "std:0361", "Assam", "IN-AS"},
	{"Kochi", "std:0484", "Kerala", "IN-KL"},
	{"Bhubaneswar", "std:0674", "Odisha", "IN-OR"},
	{"Chandigarh", "std:0172", "Chandigarh", "IN-CH"},
	{"Indore", "std:0731", "Madhya Pradesh", "IN-MP"},
	{"Nagpur", "std:0712", "Maharashtra", "IN-MH"},
}

// cityByName returns the city record for a name in the table above.
func cityByName(name string) city {
	for _, c := range cities {
		if c.Name == name {
			return c
		}
	}
	panic("bpp: unknown city " + name)
}

// --- Learning experiences ---------------------------------------------------

var leCategories = []Category{
	{ID: "SCHOOL", Code: "SCHOOL", Name: "School Education"},
	{ID: "TEACHER-TRAINING", Code: "TEACHER-TRAINING", Name: "Teacher Training"},
	{ID: "TECHNICAL-COURSES", Code: "TECHNICAL-COURSES", Name: "Technical Courses"},
	{ID: "LANGUAGE-COURSES", Code: "LANGUAGE-COURSES", Name: "Language Courses"},
	{ID: "SKILL-DEVELOPMENT-COURSES", Code: "SKILL-DEVELOPMENT-COURSES", Name: "Skill Development Courses"},
	{ID: "SELF-PACED-COURSES", Code: "SELF-PACED-COURSES", Name: "Self Paced Courses"},
}

type courseTopic struct {
	Title     string
	Category  string
	Lang      string // ISO 639-1; "" = en (with a chance of hi)
	Level     string // default learner level
	Topics    []string
	Objective string
	Prereq    string
	MinAge    int
	MaxAge    int
	Grade     string // e.g. "Class 10"; "" = not a school course
}

var courseTopics = []courseTopic{
	{"JavaScript for Web Developers", "TECHNICAL-COURSES", "en", "Beginner", []string{"javascript", "web development"}, "Build interactive web pages with modern JavaScript.", "Basic HTML", 15, 60, ""},
	{"Python Programming Fundamentals", "TECHNICAL-COURSES", "en", "Beginner", []string{"python", "programming"}, "Write and debug small Python programs with confidence.", "", 14, 60, ""},
	{"Data Analysis with Excel", "TECHNICAL-COURSES", "en", "Intermediate", []string{"excel", "data analysis"}, "Clean, summarise and chart data with spreadsheets.", "Basic computer use", 17, 60, ""},
	{"Spoken English for Everyday Conversations", "LANGUAGE-COURSES", "en", "Beginner", []string{"english", "communication"}, "Hold everyday conversations in English fluently.", "", 12, 70, ""},
	{"बुनियादी कंप्यूटर कौशल (Basic Computer Skills)", "SKILL-DEVELOPMENT-COURSES", "hi", "Beginner", []string{"computer basics", "digital literacy"}, "कंप्यूटर, इंटरनेट और ई-मेल का आत्मविश्वास से उपयोग करें।", "", 12, 70, ""},
	{"Digital Pedagogy: Teaching with Technology for School Teachers", "TEACHER-TRAINING", "en", "Intermediate", []string{"pedagogy", "edtech", "teachers"}, "Plan lessons that use digital tools meaningfully in class.", "Teaching experience", 21, 65, ""},
	{"Classroom Assessment Practices for Teachers", "TEACHER-TRAINING", "en", "Intermediate", []string{"assessment", "teachers"}, "Design formative and summative assessments aligned to outcomes.", "", 21, 65, ""},
	{"Class 10 Mathematics: Board Exam Preparation", "SCHOOL", "en", "Intermediate", []string{"mathematics", "board exams"}, "Master the Class 10 syllabus with solved board papers.", "Class 9 mathematics", 14, 16, "Class 10"},
	{"Class 12 Physics Concepts", "SCHOOL", "en", "Advanced", []string{"physics", "board exams"}, "Understand Class 12 physics concepts and numericals.", "Class 11 physics", 16, 18, "Class 12"},
	{"Foundational Literacy and Numeracy for Primary Grades", "SCHOOL", "hi", "Beginner", []string{"literacy", "numeracy"}, "Read fluently and do basic arithmetic by Grade 3.", "", 6, 9, "Class 1-3"},
	{"हिंदी व्याकरण और लेखन (Hindi Grammar and Writing)", "LANGUAGE-COURSES", "hi", "Beginner", []string{"hindi", "grammar"}, "शुद्ध हिंदी लिखना और बोलना सीखें।", "", 10, 60, "Class 6-8"},
	{"Financial Literacy for Young Adults", "SKILL-DEVELOPMENT-COURSES", "en", "Beginner", []string{"finance", "savings"}, "Budget, save and use digital payments safely.", "", 16, 35, ""},
	{"Tally Prime with GST", "SKILL-DEVELOPMENT-COURSES", "en", "Intermediate", []string{"accounting", "tally", "gst"}, "Maintain books of accounts and file GST returns in Tally.", "Class 12 commerce", 17, 50, ""},
	{"Electrician Trade Fundamentals (ITI)", "SKILL-DEVELOPMENT-COURSES", "hi", "Beginner", []string{"electrical", "wiring"}, "Install and repair domestic wiring safely.", "Class 10", 16, 40, ""},
	{"Organic Farming and Soil Health", "SKILL-DEVELOPMENT-COURSES", "en", "Beginner", []string{"agriculture", "organic farming"}, "Improve soil health and yields with organic methods.", "", 18, 70, ""},
	{"जैविक खेती की शुरुआत (Getting Started with Organic Farming)", "SKILL-DEVELOPMENT-COURSES", "hi", "Beginner", []string{"agriculture", "organic farming"}, "जैविक खाद और फसल चक्र अपनाएं।", "", 18, 70, ""},
	{"Mobile Phone Repair Technician", "SKILL-DEVELOPMENT-COURSES", "hi", "Beginner", []string{"electronics", "repair"}, "Diagnose and repair common smartphone faults.", "Class 8", 16, 45, ""},
	{"Graphic Design with Free Tools", "SKILL-DEVELOPMENT-COURSES", "en", "Beginner", []string{"design", "creative"}, "Create posters and social media graphics.", "", 15, 45, ""},
	{"Machine Learning Foundations", "TECHNICAL-COURSES", "en", "Advanced", []string{"machine learning", "python", "data science"}, "Train and evaluate classic machine learning models.", "Python programming", 18, 55, ""},
	{"Cyber Safety for Students", "SCHOOL", "en", "Beginner", []string{"cyber safety", "digital literacy"}, "Stay safe online and protect personal data.", "", 10, 18, "Class 6-10"},
	{"Communicative Kannada for Beginners", "LANGUAGE-COURSES", "kn", "Beginner", []string{"kannada", "communication"}, "Converse in Kannada in daily situations.", "", 12, 70, ""},
	{"Tamil for Everyday Use", "LANGUAGE-COURSES", "ta", "Beginner", []string{"tamil", "communication"}, "Speak and read everyday Tamil.", "", 12, 70, ""},
	{"Early Childhood Care and Education", "TEACHER-TRAINING", "en", "Beginner", []string{"early childhood", "teachers"}, "Support play-based learning for children aged 3 to 8.", "Class 12", 18, 60, ""},
	{"Nursing Assistant Foundation Course", "SKILL-DEVELOPMENT-COURSES", "en", "Beginner", []string{"healthcare", "nursing"}, "Provide basic patient care under supervision.", "Class 10", 18, 40, ""},
	{"Retail Sales Associate Skills", "SKILL-DEVELOPMENT-COURSES", "hi", "Beginner", []string{"retail", "sales"}, "Serve customers and manage store inventory.", "", 17, 45, ""},
	{"Soft Skills for Job Interviews", "SKILL-DEVELOPMENT-COURSES", "en", "Beginner", []string{"soft skills", "interviews"}, "Present yourself confidently in interviews.", "", 17, 40, ""},
	{"Entrepreneurship for Women-led Micro Enterprises", "SKILL-DEVELOPMENT-COURSES", "hi", "Intermediate", []string{"entrepreneurship", "women"}, "Plan, register and grow a micro enterprise.", "", 18, 60, ""},
	{"Inclusive Education: Teaching Children with Special Needs", "TEACHER-TRAINING", "en", "Advanced", []string{"inclusive education", "teachers"}, "Adapt classroom practice for children with disabilities.", "Teaching experience", 21, 65, ""},
	{"Cloud Computing Essentials", "TECHNICAL-COURSES", "en", "Intermediate", []string{"cloud", "devops"}, "Deploy and operate applications on a public cloud.", "Basic Linux", 18, 55, ""},
	{"योग और स्वास्थ्य (Yoga and Wellbeing)", "SELF-PACED-COURSES", "hi", "Beginner", []string{"yoga", "health"}, "दैनिक योगाभ्यास से स्वस्थ जीवनशैली अपनाएं।", "", 10, 80, ""},
	{"Marathi Speaking Course", "LANGUAGE-COURSES", "mr", "Beginner", []string{"marathi", "communication"}, "Speak Marathi in everyday situations.", "", 12, 70, ""},
	{"SQL for Data Beginners", "TECHNICAL-COURSES", "en", "Beginner", []string{"sql", "databases"}, "Query relational databases with SQL.", "", 16, 60, ""},
}

var instructors = []string{
	"Dr. Ananya Rao", "Prof. Rakesh Verma", "Meenakshi Iyer", "Suresh Kumar", "Farah Khan",
	"Dr. Harpreet Kaur", "Arjun Menon", "Kavita Joshi", "Prof. Debasish Ghosh", "Lakshmi Narayanan",
	"Imran Qureshi", "Neha Bansal", "Gurpreet Singh", "Pooja Hegde", "Vikram Chauhan",
}

// --- Work opportunities -----------------------------------------------------

type jobRole struct {
	Title       string
	Industry    string
	Department  string
	Role        string
	Skills      []string
	MinExp      float64
	SalaryMin   int // annual CTC in INR
	SalaryMax   int
	Employment  string
	Modes       []string // REMOTE / HYBRID / ONSITE
	Education   string   // academic-eligibility course-name
	Responsible []string
}

var jobRoles = []jobRole{
	{"Software Developer", "Information Technology", "Engineering", "Backend Developer", []string{"java", "spring boot", "sql"}, 1, 450000, 900000, "full-time", []string{"HYBRID", "REMOTE"}, "Graduate", []string{"Build and maintain REST APIs", "Write unit tests"}},
	{"Frontend Developer", "Information Technology", "Engineering", "Frontend Developer", []string{"react", "javascript", "css"}, 1, 400000, 850000, "full-time", []string{"REMOTE", "HYBRID"}, "Graduate", []string{"Build responsive web interfaces"}},
	{"Data Analyst", "Information Technology", "Analytics", "Data Analyst", []string{"sql", "excel", "python"}, 0.5, 350000, 700000, "full-time", []string{"HYBRID", "ONSITE"}, "Graduate", []string{"Prepare dashboards and reports"}},
	{"DevOps Engineer", "Information Technology", "Infrastructure", "DevOps Engineer", []string{"aws", "docker", "linux"}, 3, 900000, 1800000, "full-time", []string{"REMOTE", "HYBRID"}, "Graduate", []string{"Automate deployments", "Run production systems"}},
	{"QA Test Engineer", "Information Technology", "Quality", "Test Engineer", []string{"manual testing", "selenium"}, 1, 300000, 600000, "contract", []string{"HYBRID", "ONSITE"}, "Graduate", []string{"Write and run test cases"}},
	{"Civil Site Engineer", "Construction", "Projects", "Site Engineer", []string{"autocad", "site supervision"}, 2, 360000, 720000, "full-time", []string{"ONSITE"}, "Diploma", []string{"Supervise construction work"}},
	{"Electrical Maintenance Engineer", "Manufacturing", "Maintenance", "Maintenance Engineer", []string{"plc", "electrical maintenance"}, 2, 320000, 600000, "full-time", []string{"ONSITE"}, "Diploma", []string{"Maintain plant electrical systems"}},
	{"डिलीवरी पार्टनर (Delivery Partner)", "Logistics", "Operations", "Delivery Executive", []string{"two-wheeler driving", "navigation"}, 0, 180000, 300000, "part-time", []string{"ONSITE"}, "Class-X", []string{"Deliver parcels on time"}},
	{"Warehouse Associate", "Logistics", "Operations", "Warehouse Associate", []string{"inventory", "packing"}, 0, 160000, 240000, "temporary", []string{"ONSITE"}, "Class-X", []string{"Pick, pack and dispatch orders"}},
	{"सिलाई मशीन ऑपरेटर (Sewing Machine Operator)", "Textiles", "Production", "Machine Operator", []string{"tailoring", "industrial sewing"}, 0.5, 150000, 220000, "full-time", []string{"ONSITE"}, "Class-VIII", []string{"Operate industrial sewing machines"}},
	{"Retail Store Associate", "Retail", "Sales", "Sales Associate", []string{"customer service", "billing"}, 0, 170000, 260000, "full-time", []string{"ONSITE"}, "Class-XII", []string{"Help customers and manage billing"}},
	{"Customer Support Executive", "BPO", "Customer Service", "Support Executive", []string{"english communication", "hindi communication", "crm"}, 0, 200000, 340000, "full-time", []string{"HYBRID", "ONSITE", "REMOTE"}, "Class-XII", []string{"Resolve customer queries by phone and chat"}},
	{"टेलीकॉलर (Telecaller)", "BPO", "Sales", "Telecaller", []string{"hindi communication", "sales"}, 0, 150000, 250000, "part-time", []string{"REMOTE", "ONSITE"}, "Class-XII", []string{"Call prospective customers"}},
	{"Accounts Assistant", "Finance", "Accounts", "Accounts Assistant", []string{"tally", "gst", "excel"}, 1, 220000, 360000, "full-time", []string{"ONSITE", "HYBRID"}, "Graduate", []string{"Maintain ledgers and invoices"}},
	{"Staff Nurse", "Healthcare", "Nursing", "Staff Nurse", []string{"patient care", "first aid"}, 1, 300000, 480000, "full-time", []string{"ONSITE"}, "Graduate", []string{"Provide ward nursing care"}},
	{"Pharmacy Assistant", "Healthcare", "Pharmacy", "Pharmacy Assistant", []string{"dispensing", "inventory"}, 0, 180000, 280000, "full-time", []string{"ONSITE"}, "Diploma", []string{"Dispense medicines on prescription"}},
	{"Primary School Teacher", "Education", "Teaching", "Teacher", []string{"teaching", "lesson planning"}, 1, 240000, 420000, "full-time", []string{"ONSITE"}, "Graduate", []string{"Teach primary classes", "Assess learning"}},
	{"Mathematics Tutor", "Education", "Teaching", "Tutor", []string{"mathematics", "teaching"}, 0.5, 120000, 300000, "part-time", []string{"REMOTE", "ONSITE"}, "Graduate", []string{"Tutor students in mathematics"}},
	{"Data Entry Operator", "BPO", "Back Office", "Data Entry Operator", []string{"typing", "excel"}, 0, 150000, 220000, "contract", []string{"REMOTE", "ONSITE"}, "Class-XII", []string{"Enter and verify records"}},
	{"Electrician", "Construction", "Maintenance", "Electrician", []string{"wiring", "electrical maintenance"}, 1, 180000, 300000, "full-time", []string{"ONSITE"}, "ITI", []string{"Install and repair wiring"}},
	{"Solar PV Technician", "Energy", "Installation", "Solar Technician", []string{"solar installation", "wiring"}, 0.5, 200000, 340000, "full-time", []string{"ONSITE"}, "ITI", []string{"Install rooftop solar panels"}},
	{"Field Sales Executive", "Retail", "Sales", "Sales Executive", []string{"sales", "negotiation"}, 1, 240000, 420000, "full-time", []string{"ONSITE"}, "Graduate", []string{"Meet retailers and book orders"}},
	{"Digital Marketing Executive", "Marketing", "Marketing", "Digital Marketer", []string{"seo", "social media"}, 1, 300000, 600000, "full-time", []string{"REMOTE", "HYBRID"}, "Graduate", []string{"Run social media campaigns"}},
	{"HR Recruiter", "Human Resources", "HR", "Recruiter", []string{"sourcing", "interviewing"}, 1, 280000, 500000, "full-time", []string{"HYBRID"}, "Graduate", []string{"Source and screen candidates"}},
	{"Graphic Designer", "Marketing", "Design", "Graphic Designer", []string{"photoshop", "illustrator"}, 1, 250000, 500000, "consultant", []string{"REMOTE"}, "Diploma", []string{"Design print and digital creatives"}},
	{"Security Guard", "Facility Management", "Security", "Security Guard", []string{"security", "surveillance"}, 0, 140000, 200000, "full-time", []string{"ONSITE"}, "Class-VIII", []string{"Guard premises and log visitors"}},
	{"Commis Chef", "Hospitality", "Kitchen", "Commis Chef", []string{"cooking", "food safety"}, 0.5, 180000, 300000, "full-time", []string{"ONSITE"}, "Class-X", []string{"Prepare dishes under the chef"}},
	{"Agriculture Field Officer", "Agriculture", "Extension", "Field Officer", []string{"agronomy", "farmer outreach"}, 1, 260000, 420000, "full-time", []string{"ONSITE"}, "Graduate", []string{"Advise farmers on crop practices"}},
	{"सामग्री लेखक (Hindi Content Writer)", "Media", "Content", "Content Writer", []string{"hindi writing", "editing"}, 0.5, 200000, 380000, "consultant", []string{"REMOTE"}, "Graduate", []string{"Write Hindi articles and scripts"}},
	{"Machine Learning Engineer", "Information Technology", "Engineering", "ML Engineer", []string{"python", "machine learning", "pytorch"}, 3, 1200000, 2400000, "full-time", []string{"REMOTE", "HYBRID"}, "Graduate", []string{"Train and deploy models"}},
	{"Mobile App Developer", "Information Technology", "Engineering", "Mobile Developer", []string{"flutter", "kotlin", "android"}, 1, 450000, 1000000, "full-time", []string{"REMOTE", "HYBRID"}, "Graduate", []string{"Build Android and iOS apps"}},
}

// --- Financial support ------------------------------------------------------

var fsCategories = []Category{
	{ID: "CAT-SCHOOL", Code: "school", Name: "School (Class 9-12)"},
	{ID: "CAT-UG", Code: "ug", Name: "Under Graduate"},
	{ID: "CAT-PG", Code: "pg", Name: "Post Graduate"},
	{ID: "CAT-DIPLOMA", Code: "diploma", Name: "Diploma and ITI"},
	{ID: "CAT-PHD", Code: "phd", Name: "Doctoral Research"},
}

type scholarshipScheme struct {
	Title     string
	Category  string // fsCategories code
	Genders   []string
	Social    []string
	Income    int // max annual household income, INR; 0 = no limit
	Course    string
	MinPct    int
	AmountMin int
	AmountMax int
	Docs      []string
}

var scholarshipSchemes = []scholarshipScheme{
	{"Merit-cum-Means Scholarship for Undergraduate Students", "ug", nil, nil, 800000, "Class-XII", 60, 20000, 50000, []string{"Class 12 Marksheet", "Income Certificate"}},
	{"Post-Matric Scholarship for SC/ST Students", "ug", nil, []string{"SC", "ST"}, 250000, "Class-XII", 50, 12000, 36000, []string{"Caste Certificate", "Income Certificate", "Class 12 Marksheet"}},
	{"Pre-Matric Scholarship for Minority Girls", "school", []string{"Female"}, []string{"Minority"}, 100000, "Class-VIII", 50, 5000, 10000, []string{"Class 8 Marksheet", "Minority Declaration"}},
	{"Scholarship for Girl Students in Engineering", "ug", []string{"Female"}, nil, 800000, "Class-XII", 60, 30000, 50000, []string{"Admission Letter", "Class 12 Marksheet", "Income Certificate"}},
	{"Saksham Scholarship for Differently-abled Students", "ug", nil, nil, 800000, "Class-XII", 45, 25000, 50000, []string{"Disability Certificate", "Admission Letter"}},
	{"Fellowship for Doctoral Research in Science", "phd", nil, nil, 0, "Post Graduate", 55, 300000, 450000, []string{"PG Degree Certificate", "Research Proposal"}},
	{"Scholarship for ITI and Diploma Trainees", "diploma", nil, []string{"OBC", "SC", "ST", "EWS"}, 300000, "Class-X", 40, 8000, 20000, []string{"Class 10 Marksheet", "Enrollment Receipt"}},
	{"National Means-cum-Merit Scholarship (Class 9)", "school", nil, nil, 350000, "Class-VIII", 55, 12000, 12000, []string{"Class 8 Marksheet", "Income Certificate"}},
	{"Single Girl Child Postgraduate Scholarship", "pg", []string{"Female"}, nil, 0, "Graduate", 50, 31000, 36200, []string{"Graduation Certificate", "Single Girl Child Affidavit"}},
	{"Scholarship for Children of Construction Workers", "school", nil, nil, 200000, "Class-VIII", 40, 3000, 10000, []string{"Labour Card of Parent", "Class 8 Marksheet"}},
	{"छात्रवृत्ति: ग्रामीण प्रतिभा योजना (Rural Talent Scholarship)", "school", nil, nil, 150000, "Class-X", 60, 6000, 12000, []string{"Class 10 Marksheet", "Domicile Certificate"}},
	{"Sports Talent Scholarship", "ug", nil, nil, 0, "Class-XII", 40, 15000, 40000, []string{"Sports Achievement Certificate", "Admission Letter"}},
	{"Scholarship for Nursing Students", "diploma", []string{"Female", "Male", "Transgender"}, nil, 400000, "Class-XII", 50, 20000, 30000, []string{"Admission Letter", "Class 12 Marksheet"}},
	{"Top Class Education Scholarship for OBC Students", "ug", nil, []string{"OBC"}, 600000, "Class-XII", 60, 50000, 200000, []string{"Caste Certificate", "Admission Letter", "Income Certificate"}},
	{"Medical Education Support Grant", "ug", nil, nil, 500000, "Class-XII", 70, 60000, 120000, []string{"NEET Scorecard", "Admission Letter"}},
	{"Education Support for Transgender Students", "ug", []string{"Transgender"}, nil, 0, "Class-XII", 0, 25000, 50000, []string{"Transgender Certificate", "Admission Letter"}},
	{"Central Sector Scholarship for College Students", "ug", nil, nil, 450000, "Class-XII", 80, 12000, 20000, []string{"Class 12 Marksheet", "Income Certificate", "Bank Passbook"}},
	{"Hostel and Books Grant for Tribal Students", "pg", nil, []string{"ST"}, 250000, "Graduate", 50, 15000, 30000, []string{"Tribe Certificate", "Hostel Receipt"}},
	{"Law Studies Scholarship for Women", "pg", []string{"Female"}, nil, 600000, "Graduate", 55, 40000, 60000, []string{"Graduation Certificate", "Admission Letter"}},
	{"Agriculture Degree Scholarship for Farmers' Children", "ug", nil, nil, 300000, "Class-XII", 55, 18000, 30000, []string{"Land Record of Parent", "Class 12 Marksheet"}},
}

// --- Expert connect ---------------------------------------------------------

var ecCategories = []Category{
	{ID: "coaching", Code: "coaching", Name: "Coaching"},
	{ID: "career-guidance", Code: "career-guidance", Name: "Career Guidance"},
	{ID: "teacher-mentoring", Code: "teacher-mentoring", Name: "Teacher Mentoring"},
	{ID: "entrepreneurship", Code: "entrepreneurship", Name: "Entrepreneurship"},
	{ID: "wellbeing", Code: "wellbeing", Name: "Wellbeing"},
}

type mentor struct {
	Name, Gender string
	Langs        []string
}

var mentors = []mentor{
	{"Dr. Radhika Sharma", "Female", []string{"en", "hi"}},
	{"Anil Kapoor", "Male", []string{"hi"}},
	{"Sneha Kulkarni", "Female", []string{"mr", "en"}},
	{"Mohammed Irfan", "Male", []string{"en", "ur"}},
	{"Priya Subramanian", "Female", []string{"ta", "en"}},
	{"Rohit Das", "Male", []string{"bn", "en"}},
	{"Jyoti Yadav", "Female", []string{"hi", "en"}},
	{"Karthik Reddy", "Male", []string{"te", "en"}},
	{"Nandini Gowda", "Female", []string{"kn", "en"}},
	{"Baljeet Singh", "Male", []string{"pa", "hi"}},
	{"Aisha Thomas", "Female", []string{"ml", "en"}},
	{"Sameer Joshi", "Male", []string{"en"}},
}

type sessionTopic struct {
	Title    string
	Category string
	Topics   []string
	For      string // recommended_for
}

var sessionTopics = []sessionTopic{
	{"Time Management for Working Professionals", "coaching", []string{"time management", "productivity"}, "professionals"},
	{"Career Coaching: Cracking Your First Interview", "career-guidance", []string{"interviews", "career"}, "graduates"},
	{"Mock Interview Practice with Industry Mentors", "career-guidance", []string{"interviews", "feedback"}, "graduates"},
	{"Choosing a Stream after Class 10", "career-guidance", []string{"streams", "school"}, "students"},
	{"Study Abroad Guidance", "career-guidance", []string{"higher education", "applications"}, "students"},
	{"Teaching Mathematics Creatively", "teacher-mentoring", []string{"mathematics", "pedagogy"}, "teachers"},
	{"Classroom Management Clinic", "teacher-mentoring", []string{"classroom", "behaviour"}, "teachers"},
	{"Starting a Small Business", "entrepreneurship", []string{"business plan", "registration"}, "entrepreneurs"},
	{"Pitching to Investors", "entrepreneurship", []string{"fundraising", "pitch"}, "entrepreneurs"},
	{"Managing Exam Stress", "wellbeing", []string{"stress", "exams"}, "students"},
	{"Resume Review Session", "career-guidance", []string{"resume", "job search"}, "job seekers"},
	{"Public Speaking Confidence", "coaching", []string{"communication", "confidence"}, "students"},
	{"रिज़्यूमे कैसे बनाएं (How to Write a Resume)", "career-guidance", []string{"resume", "hindi"}, "job seekers"},
	{"Leadership for School Heads", "teacher-mentoring", []string{"leadership", "school management"}, "school leaders"},
	{"Women in Tech Mentorship Circle", "coaching", []string{"technology", "women"}, "women professionals"},
	{"Digital Marketing for Small Shops", "entrepreneurship", []string{"marketing", "social media"}, "shop owners"},
	{"Government Job Exam Strategy", "coaching", []string{"competitive exams", "strategy"}, "aspirants"},
	{"Mindfulness for Students", "wellbeing", []string{"mindfulness", "focus"}, "students"},
	{"Coding Career Roadmap", "career-guidance", []string{"programming", "career"}, "students"},
	{"Financial Planning for Freelancers", "coaching", []string{"finance", "freelancing"}, "freelancers"},
}

// langNames gives display names for the ISO 639-1 codes the catalogs use.
var langNames = map[string]string{
	"en": "English", "hi": "Hindi", "kn": "Kannada", "ta": "Tamil", "mr": "Marathi",
	"te": "Telugu", "bn": "Bengali", "ml": "Malayalam", "pa": "Punjabi", "ur": "Urdu",
}
